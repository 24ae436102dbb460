import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import hre from 'hardhat'
import { HYPERSEAL_ABI, HYPERSEAL_BYTECODE, HYPERSEAL_CODE_HASH, HYPERSEAL_INTERFACE } from '../../src/chain'
import { EXPORTED, pickRuntimeArtifact, renderArtifact } from '../../scripts/export-artifact'

// `hardhat test` compiles first, so the artifact read here is fresh from contracts/.
describe('chain: committed contract artifact', () => {
  it('equals the freshly compiled HyperSeal (abi and bytecode); else run scripts/export-artifact.ts', async () => {
    const compiled = await hre.artifacts.readArtifact('HyperSeal')
    expect(HYPERSEAL_ABI).to.deep.equal(compiled.abi)
    expect(HYPERSEAL_BYTECODE).to.equal(compiled.bytecode)
    expect(readFileSync(EXPORTED, 'utf8')).to.equal(renderArtifact(pickRuntimeArtifact(compiled)))
  })

  it('pins the runtime code hash that a deployed HyperSeal answers to eth_getCode', async () => {
    const [admin] = await hre.ethers.getSigners()
    const contract = await hre.ethers.deployContract('HyperSeal', [admin.address, admin.address, 0])
    const code = await hre.ethers.provider.getCode(await contract.getAddress())
    expect(hre.ethers.keccak256(code)).to.equal(HYPERSEAL_CODE_HASH)
  })

  it('knows the custom errors the classifier decodes', () => {
    for (const name of ['HyperSealAlreadySealed', 'HyperSealEmptyBatch', 'AccessControlUnauthorizedAccount']) {
      expect(HYPERSEAL_INTERFACE.getError(name), name).to.not.equal(null)
    }
  })
})

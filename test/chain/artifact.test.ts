import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import hre from 'hardhat'
import { HYPERSEAL_ABI, HYPERSEAL_BYTECODE, HYPERSEAL_INTERFACE } from '../../src/chain'
import { EXPORTED, pickRuntimeArtifact, renderArtifact } from '../../scripts/export-artifact'

// `hardhat test` compiles first, so the artifact read here is fresh from contracts/.
describe('chain: committed contract artifact', () => {
  it('equals the freshly compiled HyperSeal (abi and bytecode); else run scripts/export-artifact.ts', async () => {
    const compiled = await hre.artifacts.readArtifact('HyperSeal')
    expect(HYPERSEAL_ABI).to.deep.equal(compiled.abi)
    expect(HYPERSEAL_BYTECODE).to.equal(compiled.bytecode)
    expect(readFileSync(EXPORTED, 'utf8')).to.equal(renderArtifact(pickRuntimeArtifact(compiled)))
  })

  it('knows the custom errors the classifier decodes', () => {
    for (const name of ['HyperSealAlreadySealed', 'HyperSealEmptyBatch', 'AccessControlUnauthorizedAccount']) {
      expect(HYPERSEAL_INTERFACE.getError(name), name).to.not.equal(null)
    }
  })
})

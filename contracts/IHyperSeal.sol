// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title IHyperSeal
 * @notice Seals Merkle roots of batches of Hypercore heads and answers when a root was sealed.
 *
 * A leaf of a batch is the OpenZeppelin StandardMerkleTree leaf of the ABI tuple
 * `(bytes32 key, uint64 length, uint64 fork, bytes32 treeHash)`:
 * `keccak256(bytes.concat(keccak256(abi.encode(key, length, fork, treeHash))))`.
 */
interface IHyperSeal {
    /**
     * @notice Emitted when `root` is sealed, the `sequence`-th seal of this contract (from 1).
     */
    event Sealed(bytes32 indexed root, uint64 indexed sequence, uint32 leafCount, address sealer);

    /**
     * @notice The root was sealed before. Resubmitting a root is harmless: it reverts with this.
     */
    error HyperSealAlreadySealed(bytes32 root);

    /**
     * @notice A batch must hold at least one leaf.
     */
    error HyperSealEmptyBatch();

    /**
     * @notice Seals `root`, the Merkle root of a batch of `leafCount` heads, at this block.
     * @dev Only accounts holding `SEALER_ROLE`. Reverts {HyperSealAlreadySealed} for a known root
     * and {HyperSealEmptyBatch} when `leafCount` is zero. Gas does not depend on `leafCount`.
     */
    function seal(bytes32 root, uint32 leafCount) external;

    /**
     * @notice When `root` was sealed.
     * @return timestamp The block timestamp of the seal, zero if never sealed.
     * @return blockNumber The block number of the seal, zero if never sealed.
     */
    function sealedAt(bytes32 root) external view returns (uint64 timestamp, uint64 blockNumber);

    /**
     * @notice Checks that the head `(key, length, fork, treeHash)` is a leaf of the sealed `root`.
     * @param proof The StandardMerkleTree inclusion proof of the leaf.
     * @return timestamp The seal's block timestamp when proven, zero otherwise (unknown root or bad proof).
     *
     * NOTE: This proves only that the head was sealed; checking the writer's signature over the
     * head is done off chain (Ed25519 over Hypercore's signable has no EVM precompile).
     */
    function verifyHead(
        bytes32 root,
        bytes32[] calldata proof,
        bytes32 key,
        uint64 length,
        uint64 fork,
        bytes32 treeHash
    ) external view returns (uint64 timestamp);
}

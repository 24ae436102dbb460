// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title LookAlikeSeal
 * @notice TEST ONLY. What anyone can deploy to fake a seal: it emits HyperSeal's `Sealed` event
 * and answers `sealedAt` and `SEALER_ROLE` like HyperSeal, but `sealedAt` says whatever time and
 * block it was told. A verifier must refuse it (its code is not HyperSeal's, and the block's own
 * time contradicts the claim).
 */
contract LookAlikeSeal {
    event Sealed(bytes32 indexed root, uint64 indexed sequence, uint32 leafCount, address sealer);

    bytes32 public constant SEALER_ROLE = keccak256("SEALER_ROLE");

    struct Claim {
        uint64 timestamp;
        uint64 blockNumber;
    }

    mapping(bytes32 root => Claim) private _claims;

    function seal(bytes32 root, uint32 leafCount, uint64 claimedTimestamp, uint64 claimedBlock) external {
        _claims[root] = Claim(claimedTimestamp, claimedBlock);
        emit Sealed(root, 1, leafCount, msg.sender);
    }

    function sealedAt(bytes32 root) external view returns (uint64 timestamp, uint64 blockNumber) {
        Claim memory c = _claims[root];
        return (c.timestamp, c.blockNumber);
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IHyperSeal} from "./IHyperSeal.sol";

/**
 * @title HyperSeal
 * @notice Public, append-only record of when each batch root of Hypercore heads was sealed.
 *
 * One seal costs the same gas whatever the number of heads in its batch: only the root is
 * stored, in a single slot with its block time and number.
 *
 * WARNING: A sealer can seal any root. What a root commits to is checked off chain, by
 * verifying each head's writer signature and its inclusion proof (see {verifyHead}).
 *
 * The admin (who grants and revokes sealers) follows OpenZeppelin's default admin rules: one
 * admin at a time, handed over in two steps (begin, then accept by the new admin) with a delay
 * between them, so a stolen admin key cannot quietly take the contract over in one block.
 */
contract HyperSeal is IHyperSeal, AccessControlDefaultAdminRules {
    /// @notice Role allowed to call {seal}.
    bytes32 public constant SEALER_ROLE = keccak256("SEALER_ROLE");

    // One slot per root: 64 bits of timestamp, 64 bits of block number (128 bits unused).
    struct Seal {
        uint64 timestamp;
        uint64 blockNumber;
    }

    mapping(bytes32 root => Seal) private _seals;
    uint64 private _sequence;

    /**
     * @param admin Receives `DEFAULT_ADMIN_ROLE` (grants and revokes sealers); not the zero address.
     * @param sealer Receives `SEALER_ROLE`; pass the zero address to grant none yet.
     * @param adminDelay Seconds between beginning an admin transfer and its acceptance (and
     * before a change of this delay takes effect). `hyperseal deploy` uses 3 days by default.
     */
    constructor(address admin, address sealer, uint48 adminDelay) AccessControlDefaultAdminRules(adminDelay, admin) {
        if (sealer != address(0)) {
            _grantRole(SEALER_ROLE, sealer);
        }
    }

    /// @inheritdoc IHyperSeal
    function seal(bytes32 root, uint32 leafCount) external onlyRole(SEALER_ROLE) {
        if (leafCount == 0) {
            revert HyperSealEmptyBatch();
        }
        if (_seals[root].timestamp != 0) {
            revert HyperSealAlreadySealed(root);
        }
        _seals[root] = Seal(uint64(block.timestamp), uint64(block.number));
        uint64 sequence = ++_sequence;
        emit Sealed(root, sequence, leafCount, msg.sender);
    }

    /// @inheritdoc IHyperSeal
    function sealedAt(bytes32 root) external view returns (uint64 timestamp, uint64 blockNumber) {
        Seal memory s = _seals[root];
        return (s.timestamp, s.blockNumber);
    }

    /// @inheritdoc IHyperSeal
    function verifyHead(
        bytes32 root,
        bytes32[] calldata proof,
        bytes32 key,
        uint64 length,
        uint64 fork,
        bytes32 treeHash
    ) external view returns (uint64 timestamp) {
        timestamp = _seals[root].timestamp;
        if (timestamp == 0) {
            return 0;
        }
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(key, length, fork, treeHash))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) {
            return 0;
        }
    }

    /// @notice True for IHyperSeal's interface id, and for those of the access control parents.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IHyperSeal).interfaceId || super.supportsInterface(interfaceId);
    }

    /**
     * @notice The number of roots sealed so far; the `sequence` of the latest {Sealed} event.
     */
    function sealCount() external view returns (uint64) {
        return _sequence;
    }
}

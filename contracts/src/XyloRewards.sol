// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title XYLO reward NFTs
/// @notice One token per XYLO mint request. The request id makes minting idempotent on chain:
/// the backend may retry a mint whose transaction outcome it lost, and the retry reverts with
/// RequestAlreadyMinted naming the token the first attempt created.
contract XyloRewards is ERC721URIStorage, AccessControl, Pausable {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    event RewardMinted(bytes32 indexed requestId, uint256 indexed tokenId, address indexed to, string uri);

    error RequestAlreadyMinted(bytes32 requestId, uint256 tokenId);
    error ZeroRequestId();

    uint256 private _totalMinted;
    mapping(bytes32 requestId => uint256 tokenId) private _tokenIdForRequest;

    constructor(string memory name_, string memory symbol_, address admin) ERC721(name_, symbol_) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    /// @notice Mints the next token id (1, 2, ...) to `to` for the mint request `requestId`.
    /// @dev _mint rather than _safeMint: the recipient is a user's linked wallet, and a contract
    /// wallet without onERC721Received would otherwise make the reward unmintable forever. There is
    /// no external call, and the request is recorded before the token exists all the same.
    function mint(address to, string calldata uri, bytes32 requestId)
        external
        onlyRole(MINTER_ROLE)
        whenNotPaused
        returns (uint256 tokenId)
    {
        if (requestId == bytes32(0)) revert ZeroRequestId();
        uint256 existing = _tokenIdForRequest[requestId];
        if (existing != 0) revert RequestAlreadyMinted(requestId, existing);

        tokenId = ++_totalMinted;
        _tokenIdForRequest[requestId] = tokenId;

        _mint(to, tokenId);
        _setTokenURI(tokenId, uri);
        emit RewardMinted(requestId, tokenId, to, uri);
    }

    /// @notice The token minted for `requestId`, or 0 when none was.
    function tokenIdForRequest(bytes32 requestId) external view returns (uint256) {
        return _tokenIdForRequest[requestId];
    }

    /// @notice How many tokens were minted; also the highest token id.
    function totalMinted() external view returns (uint256) {
        return _totalMinted;
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    function tokenURI(uint256 tokenId) public view override(ERC721URIStorage) returns (string memory) {
        return super.tokenURI(tokenId);
    }

    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC721URIStorage, AccessControl)
        returns (bool)
    {
        return super.supportsInterface(interfaceId);
    }
}

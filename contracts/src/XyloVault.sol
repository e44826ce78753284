// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title XYLO vault
/// @notice Holds native currency and allow-listed ERC-20 tokens per account; every account
/// withdraws only its own balance. The native currency is token address(0) and is always accepted.
contract XyloVault is AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    event TokenAllowed(address indexed token, bool allowed);
    event Deposited(address indexed account, address indexed token, uint256 amount);
    event Withdrawn(address indexed account, address indexed token, uint256 amount);

    error TokenNotAllowed(address token);
    error ZeroAmount();
    error InsufficientBalance(address account, address token, uint256 requested, uint256 available);
    error NativeTransferFailed(address to, uint256 amount);

    mapping(address token => bool) private _allowed;
    mapping(address account => mapping(address token => uint256)) private _balances;

    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    /// @dev address(0) is the native currency, not a token: it cannot be listed or delisted.
    /// Delisting stops deposits only; balances already held stay withdrawable.
    function setTokenAllowed(address token, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == address(0)) revert TokenNotAllowed(token);
        _allowed[token] = allowed;
        emit TokenAllowed(token, allowed);
    }

    function isTokenAllowed(address token) external view returns (bool) {
        return _allowed[token];
    }

    function balanceOf(address account, address token) external view returns (uint256) {
        return _balances[account][token];
    }

    function deposit() external payable whenNotPaused nonReentrant {
        if (msg.value == 0) revert ZeroAmount();
        _balances[msg.sender][address(0)] += msg.value;
        emit Deposited(msg.sender, address(0), msg.value);
    }

    /// @dev Credits what actually arrived, so a token that takes a fee on transfer cannot
    /// leave the vault owing more than it holds.
    function depositToken(address token, uint256 amount) external whenNotPaused nonReentrant {
        if (!_allowed[token]) revert TokenNotAllowed(token);
        if (amount == 0) revert ZeroAmount();
        IERC20 erc20 = IERC20(token);
        uint256 before = erc20.balanceOf(address(this));
        erc20.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = erc20.balanceOf(address(this)) - before;
        if (received == 0) revert ZeroAmount();
        _balances[msg.sender][token] += received;
        emit Deposited(msg.sender, token, received);
    }

    function withdraw(uint256 amount) external whenNotPaused nonReentrant {
        _debit(address(0), amount);
        (bool ok,) = payable(msg.sender).call{value: amount}("");
        if (!ok) revert NativeTransferFailed(msg.sender, amount);
        emit Withdrawn(msg.sender, address(0), amount);
    }

    function withdrawToken(address token, uint256 amount) external whenNotPaused nonReentrant {
        if (token == address(0)) revert TokenNotAllowed(token);
        _debit(token, amount);
        IERC20(token).safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, token, amount);
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @dev Effects before the transfer (checks-effects-interactions), on top of nonReentrant.
    function _debit(address token, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        uint256 available = _balances[msg.sender][token];
        if (amount > available) revert InsufficientBalance(msg.sender, token, amount, available);
        _balances[msg.sender][token] = available - amount;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A freely mintable ERC-20 for tests only; never deploy it anywhere that matters.
contract TestToken is ERC20 {
    constructor() ERC20("XYLO Test Token", "XTT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

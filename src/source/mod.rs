//! Sources: each turns its input into the one Inventory.

pub mod aws;
pub mod plan;
pub mod terraform;

//! The built-in example mailbox. (Filled in below.)
pub fn mailbox() -> Vec<Vec<u8>> {
    Vec::new()
}
pub const OWNER: &str = "owner@example.com";

//! The layout numbers `update` needs to move by a page, taken from the views' layout so
//! the two cannot drift: every screen is a title bar, a body, a message line and a
//! footer (`view::draw`), and some bodies have lines above their rows.

/// Rows around the body: the title bar, the message line and the footer.
pub const CHROME_ROWS: u16 = 3;

/// Rows of the body for a terminal of `size` (columns, rows); at least one.
pub fn body_rows(size: (u16, u16)) -> usize {
    (size.1 as usize)
        .saturating_sub(CHROME_ROWS as usize)
        .max(1)
}

/// Rows the home tree moves by on a page key: the body less two rows.
pub fn home_page(size: (u16, u16)) -> isize {
    (size.1 as isize - CHROME_ROWS as isize - 2).max(1)
}

/// Field rows of a conflict's comparison: the body less the six lines above the rows
/// (`view::conflicts`).
pub fn compare_page(size: (u16, u16)) -> usize {
    (size.1 as usize)
        .saturating_sub(CHROME_ROWS as usize + 6)
        .max(1)
}

/// A dashboard page: half the terminal, the lower pane's share (`view::dashboard`).
pub fn dashboard_page(size: (u16, u16)) -> isize {
    (size.1 as isize / 2).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_the_numbers_update_used_before() {
        for h in 0..60u16 {
            let size = (80, h);
            assert_eq!(body_rows(size), (h as usize).saturating_sub(3).max(1));
            assert_eq!(home_page(size), (h as isize - 5).max(1));
            assert_eq!(compare_page(size), (h as usize).saturating_sub(9).max(1));
            assert_eq!(dashboard_page(size), (h as isize / 2).max(1));
        }
    }
}

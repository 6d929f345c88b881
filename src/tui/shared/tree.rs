//! The register as a tree (county → township → village), indexed once at start and read
//! by every screen that names a unit.

use crate::register::Level;
use crate::store::DivisionRow;
use std::collections::HashMap;

/// The register, indexed once at start.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub units: Vec<DivisionRow>,
    pub children: Vec<Vec<usize>>,
    pub parent: Vec<Option<usize>>,
    pub depth: Vec<u16>,
    pub roots: Vec<usize>,
    pub by_code: HashMap<String, usize>,
}

impl Tree {
    /// Build from units in code order (parents before children); under each unit the
    /// units in the survey's scope come first, in code order.
    pub fn new(units: Vec<DivisionRow>) -> Tree {
        let by_code: HashMap<String, usize> = units
            .iter()
            .enumerate()
            .map(|(i, d)| (d.code.clone(), i))
            .collect();
        let mut children = vec![Vec::new(); units.len()];
        let mut parent = vec![None; units.len()];
        let mut roots = Vec::new();
        for (i, d) in units.iter().enumerate() {
            match d.parent.as_ref().and_then(|p| by_code.get(p)) {
                Some(&p) if p != i => {
                    children[p].push(i);
                    parent[i] = Some(p);
                }
                _ => roots.push(i),
            }
        }
        // Villages of the survey first; communities out of its scope after them.
        for list in &mut children {
            list.sort_by_key(|&c| units[c].level == Level::Village && !units[c].in_scope);
        }
        let mut depth = vec![0u16; units.len()];
        let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            for &c in &children[i] {
                depth[c] = depth[i] + 1;
                stack.push(c);
            }
        }
        Tree {
            units,
            children,
            parent,
            depth,
            roots,
            by_code,
        }
    }

    pub fn ancestors(&self, mut i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        while let Some(p) = self.parent[i] {
            out.push(p);
            i = p;
        }
        out
    }

    /// The township a unit belongs to (itself when it is one).
    pub fn township_of(&self, i: usize) -> Option<usize> {
        std::iter::once(i)
            .chain(self.ancestors(i))
            .find(|&u| self.units[u].level == Level::Township)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn communities_out_of_scope_come_after_the_villages() {
        let unit = |code: &str, parent: Option<&str>, level, in_scope| DivisionRow {
            code: code.into(),
            name: code.into(),
            level,
            parent: parent.map(str::to_string),
            in_scope,
        };
        let t = Tree::new(vec![
            unit("411003003000", None, Level::Township, true),
            unit("411003003001", Some("411003003000"), Level::Village, false),
            unit("411003003204", Some("411003003000"), Level::Village, true),
            unit("411003003205", Some("411003003000"), Level::Village, true),
        ]);
        let codes: Vec<&str> = t.children[0]
            .iter()
            .map(|&c| t.units[c].code.as_str())
            .collect();
        assert_eq!(codes, ["411003003204", "411003003205", "411003003001"]);
    }
}

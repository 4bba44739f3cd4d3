//! Reading the rendered report: render results to a folder and read the page back, and find a
//! cell, its row, a section or a block's "What to notice" list in it.

use std::fs;
use std::path::Path;

use concur::identity::{CellId, Comparison};
use concur::report::{self, cell_id};
use concur::results::{Cell, Results};

pub fn render(r: &Results, dir: &Path) -> String {
    let index = report::write(r, dir).expect("write");
    assert_eq!(index, dir.join("index.html"));
    fs::read_to_string(index).expect("read page")
}

pub fn find<'a>(r: &'a Results, workload: &str, cmp: Comparison, model: &str) -> &'a Cell {
    r.cells
        .iter()
        .find(|c| c.id.workload == workload && c.id.comparison == cmp && c.id.model == model)
        .unwrap_or_else(|| panic!("no cell {workload} {cmp:?} {model}"))
}

/// The `<tr>` of a cell, from its id to the row's end.
pub fn row<'a>(html: &'a str, id: &CellId) -> &'a str {
    let key = format!("id=\"{}\"", cell_id(id));
    let start = html.find(&key).unwrap_or_else(|| panic!("no row {key}"));
    let end = html[start..]
        .find("</tr>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// A section of the page, from its opening tag to its end.
pub fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("section {id}"));
    let end = html[start..].find("</section>").expect("section end");
    &html[start..start + end]
}

/// The text of the "What to notice" list of the block `id`.
pub fn notice<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("block {id}"));
    let rest = &html[start..];
    let n = rest.find("What to notice").expect("notice");
    let end = rest[n..].find("</ul>").expect("end of notice");
    &rest[n..n + end]
}

//! The README's table of signals is the catalogue in `signals.rs`, row for row.

use familiar::SIGNALS;

fn table() -> String {
    let mut out =
        String::from("| signal | weight | what it means | normal when |\n|---|---:|---|---|\n");
    for s in SIGNALS {
        out.push_str(&format!(
            "| `{}` | {:.1} | {} | {} |\n",
            s.id, s.weight, s.why, s.benign_when
        ));
    }
    out
}

#[test]
fn the_readme_lists_every_signal_as_the_catalogue_defines_it() {
    let readme = include_str!("../README.md");
    let start = readme.find("<!-- signals:start -->").expect("start marker");
    let end = readme.find("<!-- signals:end -->").expect("end marker");
    let listed = readme[start + "<!-- signals:start -->".len()..end].trim();
    let expected = table();
    assert_eq!(
        listed,
        expected.trim(),
        "README signal table is stale; expected:\n{expected}"
    );
}

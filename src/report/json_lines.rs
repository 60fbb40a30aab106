//! `--format json-lines`: one JSON object per finding, one per line, each exactly a
//! finding of the JSON report (`$defs/finding` of `schemas/report.schema.json`), and
//! nothing else: no summary, so that every line has the same shape for `jq -c`, log
//! shippers and line-by-line readers. The counts are in `--format json`.

use super::json::finding_json;
use super::{Context, Printer, Summary};
use crate::model::finding::Finding;
use std::io::{self, Write};

pub struct JsonLines;

impl Printer for JsonLines {
    fn print(
        &self,
        out: &mut dyn Write,
        findings: &[Finding],
        _summary: &Summary,
        _ctx: &Context,
    ) -> io::Result<()> {
        let mut text = Vec::with_capacity(findings.len() * 512);
        for f in findings {
            serde_json::to_writer(&mut text, &finding_json(f))?;
            text.push(b'\n');
        }
        out.write_all(&text)
    }
}

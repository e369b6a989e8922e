"""The bench table: printed, and written as ``latest.json`` (the figure rows) and ``latest.md``."""

from __future__ import annotations

import json
import math
import unicodedata
from pathlib import Path
from typing import Any

from bench.figures import Figure


def _num(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.2f}×"


def _width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def table(figures: list[Figure]) -> str:
    """A fixed-width table for the terminal: figure, Leadflow, baseline, ratio."""
    rows = [("figure", "Leadflow", "baseline", "ratio")]
    for f in figures:
        rows.append(
            (
                f.name,
                f"{_num(f.value)} {f.unit}",
                f"{_num(f.baseline_value)} {f.unit}  ({f.baseline})",
                _ratio(f.ratio),
            )
        )
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, r in enumerate(rows):
        lines.append(
            f"{_pad(r[0], widths[0])}  {_pad(r[1], widths[1], right=True)}  {_pad(r[2], widths[2])}  {_pad(r[3], widths[3], right=True)}"
        )
        if i == 0:
            lines.append("-" * (sum(widths) + 6))
    return "\n".join(lines)


def markdown(figures: list[Figure], meta: dict[str, Any]) -> str:
    out = ["# Leadflow bench", ""]
    out += [f"- {key}: {value}" for key, value in meta.items()]
    out += [
        "",
        "ratio = Leadflow's cost ÷ the baseline's (times: Leadflow ÷ baseline; rates: baseline ÷ Leadflow). "
        "1.00× is as fast as the hand-written baseline.",
        "",
        "| figure | Leadflow | baseline | ratio |",
        "|---|---:|---|---:|",
    ]
    for f in figures:
        out.append(
            f"| {f.name} | {_num(f.value)} {f.unit} | {_num(f.baseline_value)} {f.unit} ({f.baseline}) | {_ratio(f.ratio)} |"
        )
    queries = next((f.detail["queries"] for f in figures if "queries" in f.detail), None)
    if queries:
        out += [
            "",
            "## Search queries (medians)",
            "",
            "| q | rows | same rows | Leadflow ms | baseline ms |",
            "|---|---:|---|---:|---:|",
        ]
        for q in queries:
            out.append(
                f"| {q['q']} | {q['rows']} | {'yes' if q['same_rows'] else '**no**'} | "
                f"{_num(q['leadflow_ms'])} | {_num(q['baseline_ms'])} |"
            )
    others = [f for f in figures if f.detail and "queries" not in f.detail]
    seen: set[str] = set()
    notes = []
    for f in others:
        text = json.dumps(f.detail, ensure_ascii=False, default=str)
        if text not in seen:
            seen.add(text)
            notes.append(f"- {f.name.split(' · ')[0]}: {text}")
    if notes:
        out += ["", "## Details", "", *notes]
    return "\n".join(out) + "\n"


def mismatches(figures: list[Figure]) -> list[str]:
    """Figures whose Leadflow side and baseline did not return the same rows."""
    found = []
    for f in figures:
        for q in f.detail.get("queries", []):
            if not q["same_rows"]:
                found.append(f"{f.name}: q={q['q']!r}")
        for key in ("same_page", "same_rows"):
            if f.detail.get(key) is False:
                found.append(f"{f.name}: {key}")
        if "stored" in f.detail and f.detail["stored"] != f.detail["rows"]:
            found.append(f"{f.name}: stored {f.detail['stored']} of {f.detail['rows']}")
        for check, passed in f.detail.get("checks", {}).items():
            if not passed:
                found.append(f"{f.name}: not so: {check}")
    return sorted(set(found))


def write(figures: list[Figure], meta: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "latest.json", out_dir / "latest.md"
    json_path.write_text(
        json.dumps([f.row() for f in figures], ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    md_path.write_text(markdown(figures, meta), encoding="utf-8")
    return json_path, md_path

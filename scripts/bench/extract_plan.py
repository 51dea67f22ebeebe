"""Benchmark: extracting the metadata and targets of a 40-page plan (budget: under 2 s).

    .venv/bin/python scripts/bench/extract_plan.py [--runs 15] [--pdf]

The 40-page plan is the three sample plans of demo/seed_data/ concatenated, repeated until the
text reaches about 100 KB (an A4 page of a plan holds about 2.5 KB). The script times
importer.extraction.extract_plan on that text (cleaning, outline, metadata, targets, tables), drops the
first run (imports, regex compilation) and prints median, 90th percentile and spread. With --pdf it
also renders the text to a PDF once (WeasyPrint) and times read_document + extract_plan on the file,
which is what an upload costs. No database is needed.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ["ke-hoach-phuong-duong-kinh.txt", "ke-hoach-phuong-kinh-mon.txt", "ke-hoach-truong-th-hien-thanh.txt"]
TARGET_BYTES = 100_000


def build_plan():
    """The first sample's header and body, then the bodies of the samples in turn up to ~100 KB, then a
    signature block: one long plan, so that every part is read (the outline stops at "Trên đây là" and
    "Nơi nhận")."""
    texts = [(ROOT / "demo" / "seed_data" / name).read_text(encoding="utf-8") for name in SAMPLES]
    bodies = [text[:_closing(text)] for text in texts]
    lines, size, index = [], 0, 0
    while size < TARGET_BYTES:
        for line in bodies[index % len(bodies)].splitlines():
            lines.append(line)
            size += len(line.encode("utf-8")) + 1
            if size >= TARGET_BYTES:
                break
        index += 1
    closing = texts[0][_closing(texts[0]):]
    return "\n".join(lines) + "\n" + closing


def _closing(text):
    return min(index for index in (text.find("Trên đây là"), text.find("Nơi nhận")) if index >= 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--pdf", action="store_true", help="also time reading a rendered 40-page PDF")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from importer.extraction import extract_plan, read_document

    text = build_plan()
    result = extract_plan(text, "bench.txt")
    print(f"plan: {len(text.encode('utf-8')) / 1024:.0f} KB, {len(text.splitlines())} lines, "
          f"{len(result['targets'])} targets and {len(result['projections'])} projections proposed")
    report("extract_plan (text)", time_runs(lambda: extract_plan(text, "bench.txt"), args.runs))
    if args.pdf:
        with tempfile.TemporaryDirectory(prefix="nq71-bench-") as workdir:
            path = Path(workdir) / "plan.pdf"
            pages = render_pdf(text, path)
            print(f"pdf: {pages} pages, {path.stat().st_size / 1024:.0f} KB")
            report("read_document + extract_plan (pdf)",
                   time_runs(lambda: extract_plan(read_document(path), path.name), max(3, args.runs // 3)))


def render_pdf(text, path):
    import html

    from weasyprint import HTML

    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    style = "@page{size:A4;margin:20mm 20mm 20mm 30mm} body{font-family:'DejaVu Serif';font-size:13pt}"
    document = HTML(string=f"<html><head><style>{style}</style></head><body>{body}</body></html>").render()
    document.write_pdf(path)
    return len(document.pages)


def time_runs(function, runs):
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times[1:]  # the first run pays for imports and regex compilation


def report(label, times):
    times = sorted(times)
    p90 = times[max(int(len(times) * 0.9) - 1, 0)]
    print(f"{label:<38} runs={len(times)} median={statistics.median(times):.0f} ms "
          f"p90={p90:.0f} ms min={times[0]:.0f} ms max={times[-1]:.0f} ms")


if __name__ == "__main__":
    main()

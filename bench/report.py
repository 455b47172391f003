#!/usr/bin/env python3
"""report.py - turns the benchmark outputs into bench/results/RESULTS.md and
bench/results/bench.svg (plain SVG written here: no plotting library).

  report.py --native NATIVE.tsv [--wine WINE.tsv] --md OUT.md --svg OUT.svg
            [--note TEXT] [--load TEXT]

NATIVE.tsv holds bench_client's RESULT lines; WINE.tsv one line per Wine
run, "WINE impl rep wnull: calls N secs S mean_us M p50_us P p99_us Q
calls_per_s C" (tools/bench.sh writes both)."""
import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
from xml.sax.saxutils import escape

PIPE_TARGET = 0.80      # pipe throughput >= 80 % of raw at 64 KiB pushes
LATENCY_TARGET = 1.5    # null-call latency <= 1.5x raw


def read_native(path):
    rows = []
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 9 or p[0] != "RESULT":
                continue
            rows.append(dict(group=p[1], case=p[2], metric=p[3], unit=p[4], better=p[5],
                             ours=float(p[6]), base=float(p[7]), ratio=float(p[8]),
                             ours_reps=p[9] if len(p) > 9 else "", base_reps=p[10] if len(p) > 10 else ""))
    return rows


def read_anomalies(path):
    out = {}
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) == 3 and p[0] == "ANOMALY":
                out[p[1]] = int(p[2])
    return out


ANOMALY_TEXT = {
    "complete_pending_after_call_complete":
        "pipe transfers whose `RpcAsyncCompleteCall` returned `RPC_S_ASYNC_CALL_PENDING` (997) after the "
        "`RpcCallComplete` notification, every byte moved (a race in the runtime's client: the call can complete "
        "before its last response fragment, the one with the return value, reaches the stream; the handle is "
        "dead afterwards). The benchmark counts the transfer and goes on.",
}


def read_wine(path):
    """{impl: [run, ...]} and {impl: failed runs} (each retried once)."""
    runs, failed = {}, {}
    if not path or not os.path.exists(path):
        return runs, failed
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 2 and p[0] == "WINE-FAILED":
                failed[p[1]] = failed.get(p[1], 0) + 1
                continue
            if len(p) < 4 or p[0] != "WINE":
                continue
            impl = p[1]
            kv = dict(zip(p[4::2], p[5::2]))
            try:
                runs.setdefault(impl, []).append({k: float(v) for k, v in kv.items()})
            except ValueError:
                continue
    return runs, failed


def machine():
    model, cores = "unknown CPU", 0
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "unknown CPU":
                    model = line.split(":", 1)[1].strip()
                if line.startswith("processor"):
                    cores += 1
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    mem = "%.1f GiB RAM" % (int(line.split()[1]) / 1048576)
                    break
    except OSError:
        pass
    u = platform.uname()
    kernel = "%s %s %s" % (u.system, u.release, u.machine)
    return model, cores, mem, kernel


def commit():
    try:
        top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        h = subprocess.run(["git", "-C", top, "rev-parse", "--short", "HEAD"], capture_output=True,
                           text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", top, "status", "--porcelain", "--", "shim", "posix", "win32", "include"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return h + (" (with uncommitted changes in the runtime's sources)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def fmt(v, unit):
    if unit == "calls/s":
        return "%.0f" % v
    if v >= 100:
        return "%.0f" % v
    return "%.1f" % v


def by(rows, group=None, metric=None):
    return [r for r in rows if (group is None or r["group"] == group) and (metric is None or r["metric"] == metric)]


def find(rows, case, metric):
    for r in rows:
        if r["case"] == case and r["metric"] == metric:
            return r
    return None


def best_ratio(r):
    """The ratio of the best repetitions (max for higher-is-better, min for
    lower): less sensitive to another process taking the CPU for a while."""
    try:
        o = [float(x) for x in r["ours_reps"].split(",") if x]
        b = [float(x) for x in r["base_reps"].split(",") if x]
    except ValueError:
        return 0
    if not o or not b:
        return 0
    pick = max if r["better"] == "higher" else min
    return pick(o) / pick(b) if pick(b) else 0


def ok(flag):
    return "yes" if flag else "**no**"


def markdown(rows, wine, wine_failed, anomalies, args):
    model, cores, mem, kernel = machine()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = []
    w = out.append
    w("# asyncrpc benchmarks")
    w("")
    w("Written by `tools/bench.sh` on %s, commit %s." % (now, commit()))
    w("")
    w("Machine: %s, %d logical CPUs, %s; %s." % (model, cores, mem, kernel))
    if args.load:
        w("Load average when the run started: %s." % args.load)
    w("")
    if args.note:
        w("> " + args.note)
        w("")
    w("Every number is the median of the run's repetitions; ours and the baseline were measured in the same run,")
    w("alternately, against a server in another process. Ratio = ours / baseline (of the medians); best-rep ratio =")
    w("ours / baseline of each side's best repetition, less sensitive to another process taking a CPU for a while.")
    w("MB = 10^6 bytes.")
    w("How each case is measured: [bench/README.md](../README.md).")
    w("")
    w("![benchmark plot](bench.svg)")
    w("")

    # ---- targets
    w("## Targets")
    w("")
    w("| Target | Case | Ours | Baseline | Ratio | Met |")
    w("|---|---|---:|---:|---:|---|")
    for r in by(rows, "pipe", "throughput"):
        if " 64 KiB" in r["case"]:
            w("| pipe throughput >= %d%% of raw at 64 KiB pushes | %s | %s MB/s | %s MB/s | %.2f | %s |" % (
                PIPE_TARGET * 100, r["case"], fmt(r["ours"], ""), fmt(r["base"], ""), r["ratio"],
                ok(r["ratio"] >= PIPE_TARGET)))
    for r in by(rows, None, "latency_mean"):
        w("| null-call latency <= %.1fx raw | %s | %s us | %s us | %.2f | %s |" % (
            LATENCY_TARGET, r["case"], fmt(r["ours"], ""), fmt(r["base"], ""), r["ratio"],
            ok(r["ratio"] <= LATENCY_TARGET)))
    w("")

    # ---- pipes
    w("## 1. Pipe throughput")
    w("")
    w("One `[async]` call moving the bytes through an `[out]` pipe (download: the server pushes) or an `[in]` pipe")
    w("(upload: the client pushes), pushes of the given size, one push outstanding (`RPC_C_NOTIFY_ON_SEND_COMPLETE`),")
    w("the receiver pulling into a max(push, 64 KiB) buffer. Baseline: the same bytes written in writes of the same")
    w("size on TCP loopback (ncacn_ip_tcp) or a Unix stream socket (ncalrpc), read into the same buffer. Connection")
    w("set-up included on both sides.")
    w("")
    w("| Direction | Protseq | Push | Ours MB/s | Raw MB/s | Ratio | Best-rep ratio | Ours, each rep | Raw, each rep |")
    w("|---|---|---:|---:|---:|---:|---:|---|---|")
    for r in by(rows, "pipe", "throughput"):
        p = r["case"].split()
        reps = lambda t: ", ".join(fmt(float(x), "") for x in t.split(",") if x)
        w("| %s | %s | %s %s | %s | %s | %.2f | %.2f | %s | %s |" % (
            p[1], p[2], p[3], p[4], fmt(r["ours"], ""), fmt(r["base"], ""), r["ratio"], best_ratio(r),
            reps(r["ours_reps"]), reps(r["base_reps"])))
    w("")

    seen = {k: v for k, v in anomalies.items() if v}
    if seen:
        w("**Runtime anomalies during the run:**")
        w("")
        for k, v in seen.items():
            w("- %d %s" % (v, ANOMALY_TEXT.get(k, k)))
        w("")

    # ---- calls
    w("## 2. Null calls")
    w("")
    w("`[async]` Null (long in, long out; the manager completes before returning): D calls outstanding on one")
    w("binding, completions through an I/O completion port, each replaced at once. Synchronous SyncNull: T threads")
    w("sharing one binding. Baselines: 24-byte request/response messages, D in flight on one connection (async),")
    w("or one per thread with a connection per thread (sync); the raw server answers each message with one write.")
    w("Latency is per call, start to completion (`RpcAsyncCompleteCall` returned).")
    w("")
    w("| Mode | Protseq | Outstanding | Ours mean us | Raw mean us | Latency ratio | Best-rep ratio | Ours p50 / p99 us"
      " | Raw p50 / p99 us | Ours calls/s | Raw calls/s | Calls/s ratio |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for g in ("async", "sync"):
        for r in by(rows, g, "latency_mean"):
            c = r["case"]
            p50, p99, cps = find(rows, c, "latency_p50"), find(rows, c, "latency_p99"), find(rows, c, "calls_per_s")
            parts = c.split()
            w("| %s | %s | %s %s | %s | %s | %.2f | %.2f | %s / %s | %s / %s | %s | %s | %.2f |" % (
                parts[0], parts[1], parts[3],
                "in flight" if g == "async" else ("thread" if parts[3] == "1" else "threads"),
                fmt(r["ours"], ""), fmt(r["base"], ""), r["ratio"], best_ratio(r),
                fmt(p50["ours"], ""), fmt(p99["ours"], ""), fmt(p50["base"], ""), fmt(p99["base"], ""),
                fmt(cps["ours"], "calls/s"), fmt(cps["base"], "calls/s"), cps["ratio"]))
    w("")

    # ---- Wine
    w("## 3. Under Wine: asyncrpc.dll against Wine's rpcrt4")
    w("")
    if not wine or "ours" not in wine or "rpcrt4" not in wine:
        w("Not measured in this run (no MinGW build or no Wine).")
    else:
        w("The same client and server programs (`bench/wnull_client.c`, `wnull_server.c`, `wnull.idl`), built twice with")
        w("MinGW: on asyncrpc.dll (asyncrpc-idl stubs) and on Wine's own rpcrt4 (widl -Oif stubs); both ends under Wine")
        w("8, ncacn_ip_tcp on the loopback, one synchronous call at a time. Ratio = asyncrpc.dll / Wine rpcrt4.")
        w("")
        w("| Metric | asyncrpc.dll | Wine rpcrt4 | Ratio | asyncrpc.dll, each run | Wine rpcrt4, each run |")
        w("|---|---:|---:|---:|---|---|")
        for key, label in (("mean_us", "mean latency, us"), ("p50_us", "p50 latency, us"),
                           ("p99_us", "p99 latency, us"), ("calls_per_s", "calls/s")):
            o = [x[key] for x in wine["ours"] if key in x]
            b = [x[key] for x in wine["rpcrt4"] if key in x]
            if not o or not b:
                continue
            mo, mb = statistics.median(o), statistics.median(b)
            w("| %s | %s | %s | %.2f | %s | %s |" % (
                label, fmt(mo, "calls/s" if key == "calls_per_s" else ""),
                fmt(mb, "calls/s" if key == "calls_per_s" else ""), mo / mb if mb else 0,
                ", ".join(fmt(x, "") for x in o), ", ".join(fmt(x, "") for x in b)))
        for impl, label in (("ours", "asyncrpc.dll"), ("rpcrt4", "Wine rpcrt4")):
            if wine_failed.get(impl):
                w("")
                w("%s: %d run(s) failed and were run again (see `build/native/bench-run/wine-*.log`)." % (
                    label, wine_failed[impl]))
    w("")
    return "\n".join(out)


# ------------------------------------------------------------------ SVG
COL_OURS, COL_BASE, COL_WINE = "#1f77b4", "#bbbbbb", "#d62728"
COL_OK, COL_BAD = "#2ca02c", "#d62728"


def svg_text(x, y, s, size=11, anchor="start", weight="normal", rotate=None, fill="#222"):
    tr = ' transform="rotate(%d %.1f %.1f)"' % (rotate, x, y) if rotate else ""
    return '<text x="%.1f" y="%.1f" font-size="%d" text-anchor="%s" font-weight="%s" fill="%s"%s>%s</text>' % (
        x, y, size, anchor, weight, fill, tr, escape(s))


def nice_max(v):
    if v <= 0:
        return 1
    import math
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * e:
            return m * e
    return 10 * e


def panel_bars(x0, y0, w, h, title, groups, ylabel, unit_fmt, target=None, target_label=None, pairs=True):
    """groups: list of (label, ours, base) (pairs) or (label, value, color) (single)."""
    e = []
    e.append(svg_text(x0, y0 - 12, title, 13, weight="bold"))
    top = max((max(g[1], g[2]) if pairs else g[1]) for g in groups) if groups else 1
    if target:
        top = max(top, target)
    ymax = nice_max(top * 1.12)
    # axes and grid
    for i in range(6):
        v = ymax * i / 5
        y = y0 + h - h * i / 5
        e.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>' % (x0, y, x0 + w, y))
        e.append(svg_text(x0 - 5, y + 4, unit_fmt(v), 10, "end"))
    e.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#444"/>' % (x0, y0 + h, x0 + w, y0 + h))
    e.append(svg_text(x0 - 45, y0 + h / 2, ylabel, 11, "middle", rotate=-90))
    n = max(len(groups), 1)
    gw = w / n
    for i, g in enumerate(groups):
        gx = x0 + i * gw
        if pairs:
            label, ours, base = g
            bw = gw * 0.36
            for j, (v, col) in enumerate(((ours, COL_OURS), (base, COL_BASE))):
                bh = h * v / ymax
                bx = gx + gw * 0.12 + j * bw
                e.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>' % (
                    bx, y0 + h - bh, bw, bh, col, escape(label), unit_fmt(v)))
            if base > 0:
                e.append(svg_text(gx + gw / 2, y0 + h - h * max(ours, base) / ymax - 4, "%.2f" % (ours / base), 9,
                                  "middle"))
        else:
            label, v, col = g
            bw = gw * 0.6
            bh = h * v / ymax
            bx = gx + gw * 0.2
            e.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>' % (
                bx, y0 + h - bh, bw, bh, col, escape(label), unit_fmt(v)))
            e.append(svg_text(gx + gw / 2, y0 + h - bh - 4, unit_fmt(v), 9, "middle"))
        e.append(svg_text(gx + gw / 2, y0 + h + 12, label, 9, "end", rotate=-35))
    if target:
        y = y0 + h - h * target / ymax
        e.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="6,4"/>' % (
            x0, y, x0 + w, y, COL_BAD))
        e.append(svg_text(x0 + w + 4, y + 4, target_label or "", 10, "start", fill=COL_BAD))
    return e


def svg(rows, wine):
    W, H = 1100, 1020
    e = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
         'font-family="DejaVu Sans, Arial, sans-serif">' % (W, H, W, H),
         '<rect width="100%" height="100%" fill="white"/>']
    short = {"ncacn_ip_tcp": "tcp", "ncalrpc": "lrpc"}
    # panel 1: pipe throughput
    groups = []
    for r in by(rows, "pipe", "throughput"):
        p = r["case"].split()
        lab = "%s %s %s%s" % ("down" if p[1] == "download" else "up", short.get(p[2], p[2]), p[3],
                              "K" if p[4] == "KiB" else p[4])
        groups.append((lab, r["ours"], r["base"]))
    e += panel_bars(90, 50, 960, 240, "1. Pipe throughput, MB/s (blue: asyncrpc, grey: raw socket; "
                    "number: ratio, target >= %.2f at 64 KiB)" % PIPE_TARGET, groups, "MB/s",
                    lambda v: "%.0f" % v)
    # legend
    e.append('<rect x="880" y="20" width="12" height="12" fill="%s"/>' % COL_OURS)
    e.append(svg_text(897, 30, "asyncrpc", 11))
    e.append('<rect x="960" y="20" width="12" height="12" fill="%s"/>' % COL_BASE)
    e.append(svg_text(977, 30, "raw socket", 11))
    # panel 2: latency ratio
    groups = []
    for r in by(rows, None, "latency_mean"):
        p = r["case"].split()
        lab = "%s %s %s%s" % (p[0], short.get(p[1], p[1]), "x" if p[0] == "async" else "t", p[3])
        groups.append((lab, r["ratio"], COL_OK if r["ratio"] <= LATENCY_TARGET else COL_BAD))
    e += panel_bars(90, 400, 960, 220, "2. Null-call mean latency, asyncrpc / raw socket (x: calls in flight, "
                    "t: threads; target <= %.1f)" % LATENCY_TARGET, groups, "ratio", lambda v: "%.2f" % v,
                    target=LATENCY_TARGET, target_label="%.1fx" % LATENCY_TARGET, pairs=False)
    # panel 3: calls/s
    groups = []
    for r in by(rows, None, "calls_per_s"):
        p = r["case"].split()
        lab = "%s %s %s%s" % (p[0], short.get(p[1], p[1]), "x" if p[0] == "async" else "t", p[3])
        groups.append((lab, r["ours"] / 1000, r["base"] / 1000))
    e += panel_bars(90, 760, 600, 190, "3. Null calls, thousands of calls/s (blue: asyncrpc, grey: raw)", groups,
                    "k calls/s", lambda v: "%.0f" % v)
    # panel 4: Wine
    if wine and "ours" in wine and "rpcrt4" in wine:
        mo = statistics.median([x["mean_us"] for x in wine["ours"]])
        mb = statistics.median([x["mean_us"] for x in wine["rpcrt4"]])
        groups = [("asyncrpc.dll", mo, COL_OURS), ("Wine rpcrt4", mb, COL_WINE)]
        e += panel_bars(800, 760, 250, 190, "4. Wine: sync null call, mean us (%.2fx)" % (mo / mb if mb else 0),
                        groups, "us", lambda v: "%.0f" % v, pairs=False)
    e.append("</svg>")
    return "\n".join(e) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--native", required=True)
    ap.add_argument("--wine")
    ap.add_argument("--md", required=True)
    ap.add_argument("--svg", required=True)
    ap.add_argument("--note", default="")
    ap.add_argument("--load", default="")
    args = ap.parse_args()
    rows = read_native(args.native)
    if not rows:
        print("report.py: no RESULT lines in %s" % args.native, file=sys.stderr)
        return 1
    wine, wine_failed = read_wine(args.wine)
    anomalies = read_anomalies(args.native)
    with open(args.md, "w") as f:
        f.write(markdown(rows, wine, wine_failed, anomalies, args))
    with open(args.svg, "w") as f:
        f.write(svg(rows, wine))
    return 0


if __name__ == "__main__":
    sys.exit(main())

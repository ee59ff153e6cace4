"""Small helpers shared by several test files."""


def rss_mb() -> float:
    """This process's resident set size, from /proc (Linux)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")

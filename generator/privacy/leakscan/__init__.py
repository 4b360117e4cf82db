"""The leak scan: `LeakScan` searches the built site for every sensitive value in a
process beside the build; `LeakScanner` is the search itself."""

from generator.privacy.leakscan.scanner import (
    BLOCK,
    LeakReport,
    LeakScanner,
    list_files,
    pieces,
    scan,
    scan_contents,
    scan_files,
)
from generator.privacy.leakscan.service import LeakScan, ScanFailed

__all__ = ["BLOCK", "LeakReport", "LeakScan", "LeakScanner", "ScanFailed", "list_files",
           "pieces", "scan", "scan_contents", "scan_files"]

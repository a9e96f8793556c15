"""One module per platform: a pure parser of its payloads into Post records, plus a thin fetcher."""

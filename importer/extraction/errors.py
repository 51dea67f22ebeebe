class ExtractionError(Exception):
    """A file or text the extractor cannot read as a plan; the message is shown to the user."""

"""A file the server could not write for want of room or of permission on its storage (the disk full, the folder
read-only): told apart from other errors so that the user reads that nothing was saved, in Vietnamese
(config.failures for a request, reports.builds for a report being built)."""

import errno

STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


def is_storage_failure(error):
    return (isinstance(error, OSError) and error.errno in STORAGE_ERRNOS
            and not isinstance(error, (ConnectionError, TimeoutError)))

"""The portal's file storage: Django's, except that a file left half written by a failed write (the disk full,
the folder made read-only) is removed before the error goes on, so that no truncated evidence or report file
stays behind a refused request (config.failures answers it)."""

import os

from django.core.files.storage import FileSystemStorage


class PortalFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        path = self.path(name)
        existed = os.path.exists(path)
        try:
            return super()._save(name, content)
        except OSError:
            if not existed and os.path.exists(path):
                os.remove(path)
            raise

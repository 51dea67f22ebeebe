"""The portal's file storage: Django's, except that a file left half written by a failed write (the disk full,
the folder made read-only) is removed before the error goes on, so that no truncated evidence or report file
stays behind a refused request (config.failures answers it)."""

import os

from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


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


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Production's static files (DEBUG off): named after their content (portal.3f2a….css) and compressed once by
    collectstatic, so that WhiteNoise serves them as immutable for a year and an upgrade's files are new names.

    Without the hashed names they were served with a 60-second max-age: every page revalidated its CSS, JS and
    libraries each minute. Source-map comments are left as written: the vendored Chart.js names a .map it does not
    ship, which Django's manifest storage refuses.
    """

    patterns = tuple(
        (glob, tuple(pattern for pattern in patterns if "sourceMappingURL" not in str(pattern)))
        for glob, patterns in CompressedManifestStaticFilesStorage.patterns
    )

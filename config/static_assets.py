"""Static files from STATICFILES_DIRS, without the npm builds that no page loads.

The echarts package ships five builds of the library with their source maps (45 MB); the
pages load only echarts.min.js. Collecting, hashing and compressing the others made every
production start (make serve runs collectstatic) spend about a minute and 180 MB on files
nobody asks for.
"""

from django.contrib.staticfiles.finders import FileSystemFinder

UNUSED_NPM_BUILDS = ["echarts.js", "echarts.js.map", "echarts.common.*", "echarts.esm.*", "echarts.simple.*"]


class NpmAwareFileSystemFinder(FileSystemFinder):
    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *UNUSED_NPM_BUILDS])

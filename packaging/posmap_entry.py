"""Entry point frozen by PyInstaller: the same as the ``posmap`` console script."""

import multiprocessing
import sys

from posmap.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())

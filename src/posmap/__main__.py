import sys

from posmap.main import main

sys.exit(main())

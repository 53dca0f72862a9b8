from __future__ import annotations

import sys

from ticcoop.cli import main

sys.exit(main())

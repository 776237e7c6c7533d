"""``python -m mkba.cli``: the same as the ``mkba`` command."""

import sys

from mkba.cli import main

sys.exit(main())

"""``python -m segmentation.cli``: the same command line as the ``segmentation`` console script."""

from segmentation.cli import main

raise SystemExit(main())

from segmentation.cli import main

raise SystemExit(main())

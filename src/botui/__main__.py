from botui.cli import main

raise SystemExit(main())

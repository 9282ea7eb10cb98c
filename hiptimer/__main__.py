from hiptimer.cli import main

raise SystemExit(main())

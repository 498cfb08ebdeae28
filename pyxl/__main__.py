from pyxl.cli import main

main()

from pyxl.cli import run

run()

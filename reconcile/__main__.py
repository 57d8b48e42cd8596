"""``python -m reconcile``: the same as the ``reconcile`` console script."""

from reconcile.cli import main

main()

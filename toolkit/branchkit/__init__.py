"""branchkit: run a bank branch's daily sales and service work from Excel."""

from . import codecache

__version__ = "0.1.0"

# Before any module of the package defines its records: their generated methods are compiled
# once and kept (codecache), not compiled again at every click.
codecache.install()

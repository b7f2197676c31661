"""branchkit: run a bank branch's daily sales and service work from Excel."""

__version__ = "0.1.0"

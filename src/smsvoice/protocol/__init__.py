"""Wire protocols driven by botocore's service models. No service names live here."""

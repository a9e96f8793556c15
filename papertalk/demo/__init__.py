"""The synthetic demo world and catalogue generators (DEMO DATA), kept out of the product's layers."""

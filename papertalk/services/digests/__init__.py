"""Daily, weekly and monthly digests: dated views of the stored posts, frozen once their period is over."""

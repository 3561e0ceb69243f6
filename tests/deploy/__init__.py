"""Deployment checks: Compose, Kubernetes, the production settings and the squashed migrations."""

"""The pages in headless Chromium against a real server: every test that drives a browser."""

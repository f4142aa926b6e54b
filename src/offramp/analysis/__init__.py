"""Bargaining analysis on numpy arrays: deal space, solutions, ripeness, forecasting.

Pure functions on arrays; nothing here touches storage, the web or the network.
"""

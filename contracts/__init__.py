"""Conformance suite: does an endpoint behave as the Azure Responses docs say?"""

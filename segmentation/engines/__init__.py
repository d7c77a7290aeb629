"""Engines: where the heavy stages run — pandas/scikit-learn on one machine (default) or Apache Spark.

The two engines answer the same questions with the same definitions (see :mod:`.base`); the
Spark engine (``spark_*`` modules) needs the optional ``pyspark`` extra and a Java runtime.
"""

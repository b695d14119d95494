"""Clause structure: the contract body, numbering labels, the clause tree, title and party roles,
and the splitting of over-long clauses."""

"""Citizens' panels: a panel inside a process, its invitation lottery by address, the respondents' pool,
and (with the sortition engine) the selection, the published lottery and the public draw."""

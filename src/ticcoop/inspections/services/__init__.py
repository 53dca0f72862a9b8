"""Every write of the inspections app: ``verb_noun(actor, …)``, atomic, scope-checked, audited."""

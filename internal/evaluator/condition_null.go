package evaluator

// Null [OPS]: "true" means the key must be absent ("the key doesn't exist — it is null"),
// "false" means it must be present. Several values are ORed like any other operator's.
// Null has no IfExists form and no set qualifier (compileCondition rejects both).
//
// A key that is present with no values (an empty multi-valued key) counts as null: [MULTI] treats such a key
// like an absent one ("the key values resolve to a null data set").

func (c *compiledCondition) evalNull(v ContextValue, present bool) bool {
	isNull := !present || len(v.Values) == 0
	for i := range c.values {
		if c.values[i].boolean == isNull {
			return true
		}
	}
	return false
}

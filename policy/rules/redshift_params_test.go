package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

// redshiftParameterCases are the cases the two parameter group rules share: the parameter is checked by
// name in the group the cluster refers to.
func redshiftParameterCases(t *testing.T, param string) []ruleCase {
	cluster := func(props string) *engine.Resource { return res(t, typeRedshiftCluster, "c", props) }
	group := func(name, params string) *engine.Resource {
		r := res(t, typeRedshiftParameterGroup, "pg", `{"family":"redshift-1.0","parameters":`+params+`}`)
		if name != "" {
			r.Props["name"] = name
		}
		return r
	}
	both := `[{"name":"require_ssl","value":"true"},{"name":"enable_user_activity_logging","value":"true"}]`
	onlyOther := `[{"name":"require_ssl","value":"true"}]`
	if param == "require_ssl" {
		onlyOther = `[{"name":"enable_user_activity_logging","value":"true"}]`
	}

	byDependency := cluster(`{}`)
	byDependency.Props["clusterParameterGroupName"] = engine.Unknown
	groupByDependency := group("", both)
	byDependency.PropertyDependencies = map[string][]string{"clusterParameterGroupName": {groupByDependency.URN}}

	pendingName := cluster(`{}`)
	pendingName.Props["clusterParameterGroupName"] = engine.Unknown

	pendingValue := group("sce-params", `[{"name":"`+param+`"}]`)
	pendingValue.Props["parameters"].([]any)[0].(map[string]any)["value"] = engine.Unknown

	return []ruleCase{
		{name: "a group linked by name that sets the parameter is compliant", rs: []*engine.Resource{cluster(`{"clusterParameterGroupName":"sce-params"}`), group("sce-params", both)}},
		{name: "a group linked by its id (offline plan) is compliant", rs: []*engine.Resource{cluster(`{"clusterParameterGroupName":"pg-id"}`), group("", both)}},
		{name: "a group linked through the cluster's dependencies (preview) is compliant", rs: []*engine.Resource{byDependency, groupByDependency}},
		{name: "an upper-case TRUE is compliant", rs: []*engine.Resource{cluster(`{"clusterParameterGroupName":"sce-params"}`),
			group("sce-params", `[{"name":"`+param+`","value":"TRUE"}]`)}},
		{name: "a cluster without a parameter group violates", rs: []*engine.Resource{cluster(`{}`)},
			want: "clusterParameterGroupName is not set, so the cluster uses the default parameter group, where " + param + ` is not "true"`},
		{name: "a cluster on the default group violates", rs: []*engine.Resource{cluster(`{"clusterParameterGroupName":"default.redshift-1.0"}`)},
			want: `clusterParameterGroupName is "default.redshift-1.0", a default parameter group`},
		{name: "a group outside the stack cannot be verified and violates", rs: []*engine.Resource{cluster(`{"clusterParameterGroupName":"elsewhere"}`), group("sce-params", both)},
			want: `clusterParameterGroupName is "elsewhere", which names no parameter group of this stack`},
		{name: "a group without the parameter violates", rs: []*engine.Resource{cluster(`{"clusterParameterGroupName":"sce-params"}`), group("sce-params", onlyOther)},
			want: "parameters has no " + param},
		{name: "a group with no parameters violates", rs: []*engine.Resource{cluster(`{"clusterParameterGroupName":"sce-params"}`), group("sce-params", `[]`)},
			want: "parameters has no " + param},
		{name: "a group that sets the parameter to false violates", rs: []*engine.Resource{cluster(`{"clusterParameterGroupName":"sce-params"}`),
			group("sce-params", `[{"name":"`+param+`","value":"false"}]`)}, want: "parameters[0] sets " + param + ` to "false"; it must be "true"`},
		{name: "a parameter without a value violates", rs: []*engine.Resource{cluster(`{"clusterParameterGroupName":"sce-params"}`),
			group("sce-params", `[{"name":"`+param+`"}]`)}, want: "parameters[0] (" + param + ") has no value"},
		{name: "parameters of the wrong shape violate", rs: []*engine.Resource{cluster(`{"clusterParameterGroupName":"sce-params"}`), group("sce-params", `"`+param+`=true"`)},
			want: "parameters is a string; expected a list of objects"},
		{name: "a group name of the wrong shape violates", rs: []*engine.Resource{cluster(`{"clusterParameterGroupName":["sce-params"]}`)},
			want: "clusterParameterGroupName is a list"},
		{name: "an unknown group name without dependencies is undecided", rs: []*engine.Resource{pendingName},
			want: "clusterParameterGroupName is unknown until deployment", undecided: true},
		{name: "an unknown parameter value is undecided", rs: []*engine.Resource{cluster(`{"clusterParameterGroupName":"sce-params"}`), pendingValue},
			want: "parameters[0].value (" + param + ") is unknown until deployment", undecided: true},
	}
}

func TestRedshiftRequireTLS(t *testing.T) {
	checkRule(t, "redshift-require-tls", redshiftParameterCases(t, "require_ssl"))
}

func TestRedshiftUserActivityLogging(t *testing.T) {
	checkRule(t, "redshift-user-activity-logging", redshiftParameterCases(t, "enable_user_activity_logging"))
}

func TestAParameterGroupSharedByTwoClustersIsReportedOnce(t *testing.T) {
	a := res(t, typeRedshiftCluster, "a", `{"clusterParameterGroupName":"sce-params"}`)
	b := res(t, typeRedshiftCluster, "b", `{"clusterParameterGroupName":"sce-params"}`)
	g := res(t, typeRedshiftParameterGroup, "pg", `{"name":"sce-params","parameters":[]}`)
	fs := findingsOf(t, "redshift-require-tls", a, b, g)
	if len(fs) != 1 || fs[0].URN != g.URN {
		t.Errorf("one finding, on the parameter group: %+v", fs)
	}
}

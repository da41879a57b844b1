package export

// This file derives the dot graph's audit flows: where evidence goes (the trail, access logs, flow logs,
// AWS Config, alarms and their notifications) and which resources the project key encrypts.

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sce-project/sce/internal/plan"
)

// auditFlows adds where evidence goes: the trail's log files and events, the PHI buckets' data events,
// server access logs, flow logs, AWS Config snapshots, alarms and their notifications, and which resources
// the project key encrypts.
func (g *graph) auditFlows(f *facts) {
	p := f.p
	for _, t := range p.Find(typTrail) {
		t := t
		if b := f.dep(&t, "s3BucketName", ""); isBucket(b) {
			g.addEdge(nodeID(&t), nodeID(b), "log files", "")
		}
		if lg := f.dep(&t, "cloudWatchLogsGroupArn", typLogGroup); lg != nil {
			g.addEdge(nodeID(&t), nodeID(lg), "events", "")
		}
		for _, b := range f.deps(&t, "advancedEventSelectors") {
			if isBucket(b) {
				g.addEdge(nodeID(b), nodeID(&t), "object reads and writes", "dashed")
			}
		}
	}
	for _, l := range p.Find(typBucketLog) {
		l := l
		src, dst := f.dep(&l, "bucket", ""), f.dep(&l, "targetBucket", "")
		if isBucket(src) && isBucket(dst) {
			g.addEdge(nodeID(src), nodeID(dst), "access logs", "dashed")
		}
	}
	for _, fl := range p.Find(typFlowLog) {
		fl := fl
		if lg := f.dep(&fl, "logDestination", typLogGroup); lg != nil {
			g.addEdge(nodeID(&fl), nodeID(lg), "flow records", "")
		}
	}
	for _, d := range p.Find(typDelivery) {
		d := d
		b := f.dep(&d, "s3BucketName", "")
		for _, rec := range p.Find(typRecorder) {
			if isBucket(b) {
				g.addEdge(nodeID(&rec), nodeID(b), "configuration snapshots", "")
			}
		}
	}
	if rules := p.Find(typConfigRule); len(rules) > 0 {
		c := g.auditGroup()
		g.addNode(&gnode{id: "n_config_rules", label: fmt.Sprintf("AWS Config rules (%d)", len(rules)), shape: "folder", fill: "#ffffff", cluster: c})
		for _, rec := range p.Find(typRecorder) {
			g.addEdge(nodeID(&rec), "n_config_rules", "evaluated by", "")
		}
	}
	alarms := p.Find(typAlarm)
	if len(alarms) > 0 {
		c := g.auditGroup()
		g.addNode(&gnode{id: "n_alarms", label: fmt.Sprintf("CloudWatch alarms (%d)", len(alarms)), shape: "doubleoctagon", fill: "#ffffff", cluster: c})
		filters := map[string]int{}
		var groups []*plan.Resource
		for _, fl := range p.Find(typFilter) {
			fl := fl
			if lg := f.dep(&fl, "logGroupName", typLogGroup); lg != nil {
				if filters[lg.URN] == 0 {
					groups = append(groups, lg)
				}
				filters[lg.URN]++
			}
		}
		for _, lg := range groups {
			g.addEdge(nodeID(lg), "n_alarms", fmt.Sprintf("metric filters (%d)", filters[lg.URN]), "")
		}
		for _, a := range alarms {
			a := a
			for _, t := range f.deps(&a, "alarmActions") {
				if t.Type == typTopic {
					g.addEdge("n_alarms", nodeID(t), "alarm", "")
				}
			}
		}
	}
	subs := map[string]int{}
	for _, s := range p.Find(typSubscription) {
		s := s
		if t := f.dep(&s, "topic", typTopic); t != nil {
			subs[t.URN]++
		}
	}
	for _, t := range p.Find(typTopic) {
		if n := subs[t.URN]; n > 0 {
			g.addNode(&gnode{id: "n_recipients_" + identifier(t.Name), label: fmt.Sprintf("e-mail recipients (%d)", n), shape: "ellipse", fill: "#f2f2f2"})
			g.addEdge(nodeID(&t), "n_recipients_"+identifier(t.Name), "notification", "")
		}
	}
	// The project key: every drawn resource one of whose inputs came from the key, or whose bucket's
	// encryption configuration did.
	for _, key := range p.Find(typKey) {
		key := key
		targets := map[string]bool{}
		for i := range p.Resources {
			r := &p.Resources[i]
			usesKey := false
			for _, urns := range r.PropertyDependencies {
				for _, u := range urns {
					usesKey = usesKey || u == key.URN
				}
			}
			if !usesKey {
				continue
			}
			if id, ok := f.byID[r.URN]; ok {
				targets[id] = true
			} else if b := f.dep(r, "bucket", ""); isBucket(b) && strings.Contains(r.Type, "ServerSideEncryption") {
				targets[nodeID(b)] = true
			}
		}
		ids := slices.Sorted(maps.Keys(targets))
		for _, id := range ids {
			g.addEdge(nodeID(&key), id, "", "dotted")
		}
	}
}

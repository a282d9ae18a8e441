package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"towngrid/internal/demo"
)

// demoDevicesFile lists the demo devices with their tokens beside the
// database. The store keeps only the tokens' hashes, so this file (0600: a
// token lets anyone send readings) is the one place they can be read again.
const demoDevicesFile = "demo-devices.txt"

// printDevices saves the devices' tokens, prints where, the counts of the
// services' data and one command a person can send a reading with. A
// re-run (nothing generated) points at the file written the first time.
func printDevices(w io.Writer, data, addr string, s *demo.Summary) error {
	path := filepath.Join(data, demoDevicesFile)
	if !s.Generated {
		if _, err := os.Stat(path); err == nil {
			fmt.Fprintf(w, "监测设备令牌 / device tokens: %s\n", path)
		}
		return nil
	}
	if len(s.Life) > 0 {
		fmt.Fprintf(w, "业务数据 / services: 工单 work_orders %d, 统计报表 stats_reports %d, 亩均评价 evaluation_runs %d, 监测读数 readings %d\n",
			s.Life["work_orders"], s.Life["stats_reports"], s.Life["evaluation_runs"], s.Life["readings"])
	}
	if len(s.Devices) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("# towngrid demo devices: kind, id, grid, name, access token (MQTT username / HTTP path)\n")
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	for _, d := range s.Devices {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", d.Kind, d.ID, d.Grid, d.Name, d.Token)
	}
	tw.Flush()
	if err := os.MkdirAll(data, 0o750); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return err
	}
	d := s.Devices[0]
	fmt.Fprintf(w, "监测设备 / devices: %d，令牌见 / tokens in %s\n", len(s.Devices), path)
	fmt.Fprintf(w, "发送一条读数 / send a reading (%s):\n", d.Name)
	fmt.Fprintf(w, "  mosquitto_pub -h localhost -p 1883 -u '%s' -t v1/devices/me/telemetry -q 1 -m '{\"pm2_5\":35,\"pm10\":58}'\n", d.Token)
	fmt.Fprintf(w, "  curl -X POST %s/api/v1/%s/telemetry -d '{\"pm2_5\":35,\"pm10\":58}'\n", demoURL(addr), d.Token)
	return nil
}

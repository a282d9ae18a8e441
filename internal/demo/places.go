package demo

// Place data for the demo. 中山市 (442000) has no county level: its towns sit
// directly under the city, so its township codes follow 442000 (统计用区划代码,
// e.g. 古镇镇 442000105). For the other cities the demo hangs towns straight
// under the city as well and numbers them itself (街道 001–099, 镇 100–199,
// GB/T 10114 ranges): those codes are illustrative, not the official ones.

type townSpec struct {
	Name        string
	Num         string   // 3-digit township code; "" = assign
	Communities []string // nil = make up names
	Feature     string   // 特色产业, shown in props
	Col, Row    int      // tile in the city's layout (only used when Placed)
	Placed      bool
}

type citySpec struct {
	Name, Code string
	Lon, Lat   float64 // south-west corner of tile (0,0)
	Towns      []townSpec
}

// Tile size of one town in degrees. 古镇镇's tile is exactly the box the brief
// gives (lon 113.17–113.21, lat 22.58–22.64).
const tileLon, tileLat = 0.04, 0.06

// guzhen lists 古镇镇's 12 villages (村民委员会), codes 2xx as villages get in
// the statistical code.
var guzhen = []string{"古一村", "古二村", "古三村", "古四村", "曹一村", "曹二村", "曹三村", "海洲村", "冈东村", "冈南村", "六坊村", "七坊村"}

var xiaolan = []string{"升平社区", "东区社区", "西区社区", "北区社区", "九洲基社区", "绩东一社区", "绩东二社区", "绩西社区", "盛丰社区", "宝丰社区", "联丰社区", "永宁社区"}

var shiqi = []string{"仁厚社区", "民权社区", "悦来社区", "凤鸣社区", "员峰社区", "太平社区", "西山社区", "南下社区", "拱辰社区"}

// zhongshan's tiles put 古镇镇 at its real place and the others roughly where
// they lie around it (小榄 east, 东凤/南头 north-east, 横栏 south-east).
var zhongshan = citySpec{Name: "中山市", Code: "442000", Lon: 113.17, Lat: 22.58, Towns: []townSpec{
	{Name: "古镇镇", Num: "105", Communities: guzhen, Feature: "灯饰", Placed: true},
	{Name: "小榄镇", Num: "100", Communities: xiaolan, Feature: "五金", Col: 1, Placed: true},
	{Name: "东凤镇", Num: "103", Feature: "小家电", Col: 2, Row: 1, Placed: true},
	{Name: "南头镇", Num: "111", Feature: "家电", Col: 3, Row: 1, Placed: true},
	{Name: "横栏镇", Num: "110", Feature: "花木", Col: 1, Row: -1, Placed: true},
	{Name: "沙溪镇", Num: "106", Feature: "休闲服装", Col: 3, Row: -1, Placed: true},
	{Name: "大涌镇", Num: "116", Feature: "红木家具", Col: 2, Row: -1, Placed: true},
	{Name: "石岐街道", Num: "001", Communities: shiqi, Feature: "商贸", Col: 4, Row: -1, Placed: true},
	{Name: "东区街道", Num: "002", Col: 5, Row: -1, Placed: true},
	{Name: "西区街道", Num: "004", Col: 4, Row: 0, Placed: true},
	{Name: "南区街道", Num: "005", Col: 4, Row: -2, Placed: true},
	{Name: "港口镇", Num: "108", Col: 3, Row: 0, Placed: true},
	{Name: "黄圃镇", Num: "101", Col: 3, Row: 2, Placed: true},
	{Name: "阜沙镇", Num: "112", Col: 2, Row: 0, Placed: true},
	{Name: "三角镇", Num: "109", Col: 4, Row: 1, Placed: true},
	{Name: "民众镇", Num: "102", Col: 5, Row: 1, Placed: true},
}}

func towns(names ...string) []townSpec {
	out := make([]townSpec, len(names))
	for i, n := range names {
		out[i] = townSpec{Name: n}
	}
	return out
}

// guangdong is the province scale: 广东省 and a dozen of its cities, each
// placed at its real centre.
var guangdong = []citySpec{
	{Name: "广州市", Code: "440100", Lon: 113.18, Lat: 23.05, Towns: towns("石牌街道", "天河南街道", "沙河街道", "北京街道", "人民街道", "新塘镇", "石楼镇", "太和镇", "钟落潭镇", "狮岭镇")},
	{Name: "深圳市", Code: "440300", Lon: 113.90, Lat: 22.48, Towns: towns("粤海街道", "南山街道", "福田街道", "华强北街道", "龙华街道", "坂田街道", "西乡街道", "观澜街道")},
	{Name: "珠海市", Code: "440400", Lon: 113.40, Lat: 22.20, Towns: towns("拱北街道", "香洲街道", "前山街道", "井岸镇", "白蕉镇", "斗门镇", "平沙镇", "唐家湾镇")},
	{Name: "汕头市", Code: "440500", Lon: 116.55, Lat: 23.30, Towns: towns("金平街道", "龙湖街道", "外砂街道", "峡山街道", "谷饶镇", "两英镇")},
	{Name: "佛山市", Code: "440600", Lon: 112.95, Lat: 22.80, Towns: towns("北滘镇", "乐从镇", "陈村镇", "均安镇", "九江镇", "西樵镇", "狮山镇", "大沥镇", "祖庙街道", "石湾镇街道")},
	{Name: "江门市", Code: "440700", Lon: 112.90, Lat: 22.40, Towns: towns("会城街道", "棠下镇", "杜阮镇", "外海街道", "沙堆镇", "古井镇", "水口镇", "赤坎镇")},
	{Name: "湛江市", Code: "440800", Lon: 110.20, Lat: 21.10, Towns: towns("霞山街道", "赤坎街道", "麻章镇", "太平镇", "湖光镇", "东海岛街道")},
	{Name: "肇庆市", Code: "441200", Lon: 112.30, Lat: 23.00, Towns: towns("端州街道", "城东街道", "睦岗街道", "永安镇", "莲花镇", "大旺街道")},
	{Name: "惠州市", Code: "441300", Lon: 114.25, Lat: 22.95, Towns: towns("淡水街道", "澳头街道", "惠环街道", "陈江街道", "沥林镇", "潼湖镇", "罗阳街道", "园洲镇")},
	{Name: "清远市", Code: "441800", Lon: 112.90, Lat: 23.60, Towns: towns("凤城街道", "东城街道", "石角镇", "源潭镇", "飞来峡镇", "龙塘镇")},
	{Name: "东莞市", Code: "441900", Lon: 113.60, Lat: 22.85, Towns: towns("莞城街道", "虎门镇", "长安镇", "常平镇", "塘厦镇", "石龙镇", "厚街镇", "寮步镇", "松山湖街道", "樟木头镇")},
	zhongshan,
}

// Syllables for made-up but plausible Cantonese-region place names.
var (
	placeA = []string{"东", "西", "南", "北", "新", "上", "下", "大", "小", "沙", "龙", "凤", "金", "石", "塘", "岗", "溪", "安", "和", "平", "兴", "隆", "华", "富", "永", "福", "宁", "仁", "德", "桂", "莲", "榕", "文", "祥", "泰", "盛"}
	placeB = []string{"湖", "岗", "头", "围", "基", "坑", "田", "洲", "塘", "涌", "埔", "坊", "冲", "沙", "园", "山", "桥", "岭", "边", "滘", "门", "丰", "安", "乐"}
	// Surnames common in 中山 and the Pearl River Delta, most common first.
	surnames = []string{"陈", "李", "黄", "梁", "张", "林", "何", "吴", "刘", "罗", "郑", "冯", "杨", "周", "谢", "叶", "苏", "郭", "麦", "区", "欧阳", "卢", "邓", "钟", "袁"}
	given    = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "志", "建", "国", "文", "嘉", "欣", "晓", "婷", "浩", "俊", "颖", "健", "锦", "荣", "雪", "辉"}
)

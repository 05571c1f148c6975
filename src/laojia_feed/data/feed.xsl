<?xml version="1.0" encoding="UTF-8"?>
<!--
  laojia-feed: shows an RSS 2.0 or Atom 1.0 feed as a readable page when a browser
  opens it. XSLT 1.0, no scripts, no external resources; only http(s) links are
  made clickable. Summaries are shown as text, never as markup.

  Dates are written the local way for the feed's language (2021年12月9日 for zh and ja,
  9 December 2021 otherwise), parsed from the RFC 822 (RSS) or RFC 3339 (Atom) text,
  on the clock the feed wrote them in. When the parameter utc-offset holds a number of
  minutes (480 for UTC+8), dates are moved to that offset first; a browser cannot pass
  parameters, so whoever ships this file may write the site's offset into its select.
  Fading: browsers are deprecating XSLT; laojia-feed's HTML pages (pages = true) are
  the lasting way to show a feed to people.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">

  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <!-- Minutes east of UTC to show dates in (empty: on the clock the feed wrote). -->
  <xsl:param name="utc-offset" select="''"/>

  <!-- The feed's primary language subtag, lower case (zh, en...). -->
  <xsl:variable name="language" select="translate(substring-before(
      concat(string(/rss/channel/language | /atom:feed/@xml:lang), '-'), '-'),
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"/>

  <xsl:template match="/">
    <html>
      <xsl:variable name="lang" select="string(rss/channel/language | atom:feed/@xml:lang)"/>
      <xsl:if test="$lang">
        <xsl:attribute name="lang"><xsl:value-of select="$lang"/></xsl:attribute>
      </xsl:if>
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="rss/channel/title | atom:feed/atom:title"/></title>
        <style>
          :root { color-scheme: light dark; }
          body { margin: 0 auto; max-width: 46rem; padding: 1.5rem 1rem 3rem;
                 font: 16px/1.65 system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC",
                       "Microsoft YaHei", sans-serif; }
          header { border-bottom: 1px solid #8884; margin-bottom: 1.5rem; }
          h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
          h2 { font-size: 1.2rem; margin: 0 0 .2rem; }
          .note { background: #8881; border-left: 4px solid #e67e22; padding: .6rem .9rem; }
          .note code { word-break: break-all; }
          .date { color: #888; font-size: .9rem; margin: 0; }
          article { margin: 0 0 1.6rem; }
          article p { margin: .3rem 0; }
        </style>
      </head>
      <body>
        <xsl:apply-templates select="rss/channel | atom:feed"/>
      </body>
    </html>
  </xsl:template>

  <!-- RSS 2.0 -->
  <xsl:template match="channel">
    <header>
      <h1><xsl:value-of select="title"/></h1>
      <xsl:if test="description != title">
        <p><xsl:value-of select="description"/></p>
      </xsl:if>
      <xsl:call-template name="note">
        <xsl:with-param name="self" select="atom:link[@rel = 'self']/@href"/>
      </xsl:call-template>
      <p>
        <xsl:call-template name="link">
          <xsl:with-param name="url" select="link"/>
          <xsl:with-param name="text" select="link"/>
        </xsl:call-template>
      </p>
    </header>
    <main>
      <xsl:apply-templates select="item"/>
    </main>
  </xsl:template>

  <xsl:template match="item">
    <article>
      <h2>
        <xsl:call-template name="link">
          <xsl:with-param name="url" select="link"/>
          <xsl:with-param name="text" select="title"/>
        </xsl:call-template>
      </h2>
      <p class="date">
        <xsl:call-template name="date">
          <xsl:with-param name="text" select="string(pubDate)"/>
        </xsl:call-template>
      </p>
      <!-- Our RSS description is the plain-text summary, HTML-escaped once more. -->
      <p>
        <xsl:call-template name="unescape">
          <xsl:with-param name="text" select="string(description)"/>
        </xsl:call-template>
      </p>
    </article>
  </xsl:template>

  <!-- Atom 1.0 -->
  <xsl:template match="atom:feed">
    <header>
      <h1><xsl:value-of select="atom:title"/></h1>
      <xsl:if test="atom:subtitle">
        <p><xsl:value-of select="atom:subtitle"/></p>
      </xsl:if>
      <xsl:call-template name="note">
        <xsl:with-param name="self" select="atom:link[@rel = 'self']/@href"/>
      </xsl:call-template>
      <p>
        <xsl:call-template name="link">
          <xsl:with-param name="url" select="atom:link[@rel = 'alternate']/@href"/>
          <xsl:with-param name="text" select="atom:link[@rel = 'alternate']/@href"/>
        </xsl:call-template>
      </p>
    </header>
    <main>
      <xsl:apply-templates select="atom:entry"/>
    </main>
  </xsl:template>

  <xsl:template match="atom:entry">
    <article>
      <h2>
        <xsl:call-template name="link">
          <xsl:with-param name="url"
              select="atom:link[not(@rel) or @rel = 'alternate'][1]/@href"/>
          <xsl:with-param name="text" select="atom:title"/>
        </xsl:call-template>
      </h2>
      <p class="date">
        <xsl:call-template name="date">
          <xsl:with-param name="text"
              select="string(atom:published | atom:updated[not(../atom:published)])"/>
        </xsl:call-template>
      </p>
      <p><xsl:value-of select="atom:summary"/></p>
    </article>
  </xsl:template>

  <!-- Shared pieces -->
  <xsl:template name="note">
    <xsl:param name="self"/>
    <div class="note">
      <p>这是一个订阅源（RSS/Atom feed）：把这个网址复制到你的阅读器里即可订阅。</p>
      <p>This is a feed — copy the URL into your reader to subscribe.</p>
      <xsl:if test="$self">
        <p><code><xsl:value-of select="$self"/></code></p>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- A link only for http(s) URLs; anything else is shown as text. -->
  <xsl:template name="link">
    <xsl:param name="url"/>
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="starts-with($url, 'https://') or starts-with($url, 'http://')">
        <a href="{$url}"><xsl:value-of select="$text"/></a>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$text"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Dates, the local way. XSLT 1.0 has no date functions: the text is taken apart. -->
  <xsl:template name="date">
    <xsl:param name="text"/>
    <xsl:variable name="t" select="normalize-space($text)"/>
    <xsl:choose>
      <!-- RFC 3339 (Atom): 2021-12-09T03:10:27+08:00, maybe with a fraction -->
      <xsl:when test="substring($t, 5, 1) = '-' and substring($t, 8, 1) = '-'
                      and substring($t, 11, 1) = 'T' and substring($t, 14, 1) = ':'">
        <xsl:variable name="zone" select="substring($t, 20)"/>
        <xsl:call-template name="shifted-date">
          <xsl:with-param name="year" select="number(substring($t, 1, 4))"/>
          <xsl:with-param name="month" select="number(substring($t, 6, 2))"/>
          <xsl:with-param name="day" select="number(substring($t, 9, 2))"/>
          <xsl:with-param name="minutes"
              select="number(substring($t, 12, 2)) * 60 + number(substring($t, 15, 2))"/>
          <xsl:with-param name="zone" select="concat(
              substring('Z', 1, number(contains($zone, 'Z') or contains($zone, 'z')) * 1),
              substring(concat('+', substring-after($zone, '+')), 1,
                        number(contains($zone, '+')) * 9),
              substring(concat('-', substring-after($zone, '-')), 1,
                        number(contains($zone, '-')) * 9))"/>
          <xsl:with-param name="fallback" select="$t"/>
        </xsl:call-template>
      </xsl:when>
      <!-- RFC 822 (RSS): Thu, 09 Dec 2021 03:10:27 GMT (the weekday is optional) -->
      <xsl:when test="contains($t, ' ')">
        <xsl:variable name="rest" select="normalize-space(concat(
            substring-after($t, ','), substring($t, 1, number(not(contains($t, ','))) * 999)))"/>
        <xsl:variable name="r2" select="substring-after($rest, ' ')"/>
        <xsl:variable name="r3" select="substring-after($r2, ' ')"/>
        <xsl:variable name="r4" select="substring-after($r3, ' ')"/>
        <xsl:variable name="name" select="substring-before($r2, ' ')"/>
        <xsl:variable name="months" select="'JanFebMarAprMayJunJulAugSepOctNovDec'"/>
        <xsl:call-template name="shifted-date">
          <xsl:with-param name="year" select="number(substring-before($r3, ' '))"/>
          <xsl:with-param name="month" select="number(string-length($name) = 3
              and contains($months, $name))
              * (string-length(substring-before($months, $name)) div 3 + 1)"/>
          <xsl:with-param name="day" select="number(substring-before($rest, ' '))"/>
          <xsl:with-param name="minutes" select="number(substring-before($r4, ':')) * 60
              + number(substring(substring-after($r4, ':'), 1, 2))"/>
          <xsl:with-param name="zone" select="substring-after($r4, ' ')"/>
          <xsl:with-param name="fallback" select="$t"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$t"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The date moved to $utc-offset (when set and the zone is known), then written. -->
  <xsl:template name="shifted-date">
    <xsl:param name="year"/>
    <xsl:param name="month"/>
    <xsl:param name="day"/>
    <xsl:param name="minutes"/>
    <xsl:param name="zone"/>
    <xsl:param name="fallback"/>
    <xsl:variable name="written">
      <xsl:call-template name="zone-minutes">
        <xsl:with-param name="zone" select="$zone"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="shift">
      <xsl:choose>
        <xsl:when test="string(number($utc-offset)) != 'NaN'
                        and string(number($written)) != 'NaN'
                        and string(number($minutes)) != 'NaN'">
          <xsl:value-of
              select="floor(($minutes - number($written) + number($utc-offset)) div 1440)"/>
        </xsl:when>
        <xsl:otherwise>0</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="not($year &gt;= 1 and $month &gt;= 1 and $month &lt;= 12
                      and $day &gt;= 1 and $day &lt;= 31)">
        <xsl:value-of select="$fallback"/>
      </xsl:when>
      <xsl:otherwise>
        <!-- Julian day number, moved by $shift days, and back (Fliegel & Van Flandern). -->
        <xsl:variable name="a" select="floor((14 - $month) div 12)"/>
        <xsl:variable name="y" select="$year + 4800 - $a"/>
        <xsl:variable name="m" select="$month + 12 * $a - 3"/>
        <xsl:variable name="jdn" select="$day + floor((153 * $m + 2) div 5) + 365 * $y
            + floor($y div 4) - floor($y div 100) + floor($y div 400) - 32045
            + number($shift)"/>
        <xsl:variable name="b" select="$jdn + 32044"/>
        <xsl:variable name="c" select="floor((4 * $b + 3) div 146097)"/>
        <xsl:variable name="e" select="$b - floor(146097 * $c div 4)"/>
        <xsl:variable name="f" select="floor((4 * $e + 3) div 1461)"/>
        <xsl:variable name="g" select="$e - floor(1461 * $f div 4)"/>
        <xsl:variable name="h" select="floor((5 * $g + 2) div 153)"/>
        <xsl:call-template name="written-date">
          <xsl:with-param name="year" select="100 * $c + $f - 4800 + floor($h div 10)"/>
          <xsl:with-param name="month" select="$h + 3 - 12 * floor($h div 10)"/>
          <xsl:with-param name="day" select="$g - floor((153 * $h + 2) div 5) + 1"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Minutes east of UTC of a written zone: Z, GMT, UT, +0800, +08:00 (else NaN). -->
  <xsl:template name="zone-minutes">
    <xsl:param name="zone"/>
    <xsl:variable name="digits" select="translate(substring($zone, 2), ':', '')"/>
    <xsl:choose>
      <xsl:when test="$zone = 'Z' or $zone = 'GMT' or $zone = 'UT' or $zone = 'UTC'">0</xsl:when>
      <xsl:when test="(starts-with($zone, '+') or starts-with($zone, '-'))
                      and string-length($digits) = 4
                      and string(number($digits)) != 'NaN'">
        <xsl:value-of select="(1 - 2 * number(starts-with($zone, '-')))
            * (number(substring($digits, 1, 2)) * 60 + number(substring($digits, 3, 2)))"/>
      </xsl:when>
      <xsl:otherwise>NaN</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 2021年12月9日 for Chinese and Japanese feeds, 9 December 2021 for the others. -->
  <xsl:template name="written-date">
    <xsl:param name="year"/>
    <xsl:param name="month"/>
    <xsl:param name="day"/>
    <xsl:choose>
      <xsl:when test="$language = 'zh' or $language = 'ja'">
        <xsl:value-of select="concat($year, '年', $month, '月', $day, '日')"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="names"
            select="'January  February March    April    May      June     July     August   SeptemberOctober  November December '"/>
        <xsl:value-of select="concat($day, ' ',
            normalize-space(substring($names, ($month - 1) * 9 + 1, 9)), ' ', $year)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Undo one level of &amp; &lt; &gt; escaping, as text (never markup). -->
  <xsl:template name="unescape">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&amp;')">
        <xsl:value-of select="substring-before($text, '&amp;')"/>
        <xsl:variable name="rest" select="substring-after($text, '&amp;')"/>
        <xsl:choose>
          <xsl:when test="starts-with($rest, 'lt;')">
            <xsl:text>&lt;</xsl:text>
            <xsl:call-template name="unescape">
              <xsl:with-param name="text" select="substring($rest, 4)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:when test="starts-with($rest, 'gt;')">
            <xsl:text>&gt;</xsl:text>
            <xsl:call-template name="unescape">
              <xsl:with-param name="text" select="substring($rest, 4)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:when test="starts-with($rest, 'amp;')">
            <xsl:text>&amp;</xsl:text>
            <xsl:call-template name="unescape">
              <xsl:with-param name="text" select="substring($rest, 5)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:text>&amp;</xsl:text>
            <xsl:call-template name="unescape">
              <xsl:with-param name="text" select="$rest"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$text"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
